// SPDX-License-Identifier: GPL-2.0-only
// The anchor for vmk-hostd's client tests: govmomi's own ESX simulator
// (Debian: golang-github-vmware-govmomi-dev), with the given account, on a
// free port of 127.0.0.1 over TLS. Prints the port, serves until killed.
//   esxsim USER PASSWORD
// ESXSIM_TRACE=1 writes the SOAP traffic to stderr.
package main

import (
	"crypto/tls"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"syscall"

	"github.com/vmware/govmomi/simulator"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: esxsim USER PASSWORD")
		os.Exit(2)
	}
	model := simulator.ESX()
	if err := model.Create(); err != nil {
		fmt.Fprintln(os.Stderr, "esxsim:", err)
		os.Exit(1)
	}
	simulator.Trace = os.Getenv("ESXSIM_TRACE") != ""
	model.Service.TLS = new(tls.Config)
	model.Service.Listen = &url.URL{Host: "127.0.0.1:0",
		User: url.UserPassword(os.Args[1], os.Args[2])}
	server := model.Service.NewServer()
	fmt.Println(server.URL.Port())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	server.Close()
	model.Remove()
}
