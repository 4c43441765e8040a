package memdb

func (s *Server) updateTimeToLive(body []byte) (any, *apiError) {
	var in struct {
		TableName               string
		TimeToLiveSpecification *struct {
			Enabled       *bool
			AttributeName string
		}
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	spec := in.TimeToLiveSpecification
	if spec == nil || spec.Enabled == nil || spec.AttributeName == "" {
		return nil, validationf("1 validation error detected: Value null at 'timeToLiveSpecification' failed to satisfy constraint: Member must not be null")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.lookup(in.TableName)
	if err != nil {
		return nil, err
	}
	switch {
	case *spec.Enabled && t.ttlOn:
		return nil, validationf("TimeToLive is already enabled")
	case !*spec.Enabled && !t.ttlOn:
		return nil, validationf("TimeToLive is already disabled")
	case !*spec.Enabled && spec.AttributeName != t.ttlAttr:
		return nil, validationf("TimeToLive attribute name mismatch: %s != %s", spec.AttributeName, t.ttlAttr)
	}
	t.ttlOn = *spec.Enabled
	t.ttlAttr = spec.AttributeName
	return map[string]any{"TimeToLiveSpecification": map[string]any{"Enabled": t.ttlOn, "AttributeName": spec.AttributeName}}, nil
}

func (s *Server) describeTimeToLive(body []byte) (any, *apiError) {
	var in tableNameInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	return locked(s, false, s.tableNamed(in.TableName), func(t *table) (any, *apiError) {
		d := map[string]any{"TimeToLiveStatus": "DISABLED"}
		if t.ttlOn {
			d = map[string]any{"TimeToLiveStatus": "ENABLED", "AttributeName": t.ttlAttr}
		}
		return map[string]any{"TimeToLiveDescription": d}, nil
	})
}
