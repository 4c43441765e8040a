package memdb

import (
	"strconv"
	"sync"
	"time"
)

// region is the AWS region memdb reports in ARNs and stream records.
const region = "us-east-1"

// SetClock sets the clock the server reads for table creation times, stream
// record times, idempotency tokens and TTL expiry; nil restores time.Now.
// Tests inject a clock to expire items without waiting:
//
//	now := time.Now()
//	srv.SetClock(func() time.Time { return now })
//	now = now.Add(48 * time.Hour)
//	srv.SweepTTL()
func (s *Server) SetClock(now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	s.clock.Store(&now)
}

func (s *Server) now() time.Time { return (*s.clock.Load())() }

// SweepTTL deletes, from every table whose TimeToLive is enabled, the items
// whose TTL attribute is a number of Unix seconds before the server's clock
// (by at most five years), as DynamoDB's TTL process does (attributes of another type, and items
// without the attribute, never expire). Each deletion is a REMOVE record in
// the table's stream with the service identity DynamoDB uses
// (userIdentity Type "Service", PrincipalId "dynamodb.amazonaws.com"). It
// returns the number of items deleted.
func (s *Server) SweepTTL() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	now := s.now().Unix()
	n := 0
	for _, name := range sortedKeys(s.tables) {
		n += s.tables[name].sweepTTL(now)
	}
	return n
}

// sweepTTL removes t's expired items, one partition at a time under its
// lock, so writes to other partitions go on meanwhile (the caller holds
// s.mu for reading).
func (t *table) sweepTTL(now int64) int {
	if !t.ttlOn {
		return 0
	}
	n := 0
	for p := t.store.next(nil, false); p != nil; p = t.store.next(p.hv, true) {
		n += t.sweepPartition(p.hv, now)
	}
	return n
}

// sweepPartition removes the expired items of hv's partition.
func (t *table) sweepPartition(hv *value, now int64) int {
	sh := t.shard(hv)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	p := t.store.find(hv.keyString())
	if p == nil {
		return 0
	}
	var expired []*row
	for _, r := range p.rows {
		if expiredAt(r.item[t.ttlAttr], now) {
			expired = append(expired, r)
		}
	}
	for _, r := range expired {
		t.recordChange(r.item, nil, true)
		t.replace(r.pk, r.hv, r.rv, nil)
	}
	return len(expired)
}

// ttlHorizon is how far in the past a TTL value may lie and still expire:
// DynamoDB does not delete items whose TTL is more than five years old.
const ttlHorizon = 5 * 365 * 24 * 60 * 60

// expiredAt reports whether a TTL attribute value lies before now (Unix
// seconds), by at most five years. DynamoDB ignores values that are not
// numbers.
func expiredAt(v *value, now int64) bool {
	if v == nil || v.t != tN {
		return false
	}
	upper, _ := parseDecimal(strconv.FormatInt(now, 10))
	lower, _ := parseDecimal(strconv.FormatInt(now-ttlHorizon, 10))
	return cmpDecimal(v.n, upper) < 0 && cmpDecimal(v.n, lower) >= 0
}

// StartTTLSweeper runs SweepTTL every interval in the background until the
// returned stop function is called or the server is closed (stop waits for
// a running sweep to end and may be called more than once).
func (s *Server) StartTTLSweeper(interval time.Duration) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if s.isClosed() {
					return
				}
				s.SweepTTL()
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() { close(done) })
		wg.Wait()
	}
}

func (s *Server) isClosed() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.closed
}
