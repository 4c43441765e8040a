// Command memdb serves the in-process DynamoDB of pkg/memdb on a loopback port,
// for other languages and tools:
//
//	memdb -addr 127.0.0.1:8000
//	aws dynamodb list-tables --endpoint-url http://127.0.0.1:8000
//
// Data lives in memory and is lost when the process exits.
package main

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/dynamorm/dynamorm/pkg/memdb"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8000", "address to listen on (host:port; port 0 picks a free one)")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("memdb: %v", err)
	}
	srv := memdb.New()
	defer srv.Close()
	hs := &http.Server{Handler: srv}
	fmt.Printf("http://%s\n", ln.Addr())
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-stop
		hs.Close()
	}()
	if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatalf("memdb: %v", err)
	}
}
