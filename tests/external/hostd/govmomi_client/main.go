// SPDX-License-Identifier: GPL-2.0-only
// A vSphere API client session written with govmomi (Debian's
// golang-github-vmware-govmomi-dev), the library govc and Terraform use:
// a wrong password, log in, list the VMs and the networks through
// container views, power one off and on with task.Wait (PropertyCollector
// WaitForUpdatesEx), log out. Run against vmk-hostd and against govmomi's ESX simulator.
//   govmomi_client HOST:PORT USER PASSWORD
// Prints "ok: ..." per check, "FAIL: ..." per failure; exit status 1 if any.
package main

import (
	"context"
	"fmt"
	"net/url"
	"os"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/view"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

var failures int

func check(ok bool, format string, args ...interface{}) {
	what := fmt.Sprintf(format, args...)
	if ok {
		fmt.Println("ok: " + what)
	} else {
		fmt.Println("FAIL: " + what)
		failures++
	}
}

func connect(ctx context.Context, addr, user, password string) (*govmomi.Client, error) {
	u, err := soap.ParseURL(addr)
	if err != nil {
		return nil, err
	}
	u.User = url.UserPassword(user, password)
	return govmomi.NewClient(ctx, u, true)
}

func vms(ctx context.Context, c *govmomi.Client) []mo.VirtualMachine {
	m := view.NewManager(c.Client)
	v, err := m.CreateContainerView(ctx, c.ServiceContent.RootFolder, []string{"VirtualMachine"}, true)
	if err != nil {
		check(false, "CreateContainerView: %v", err)
		return nil
	}
	defer v.Destroy(ctx)
	var list []mo.VirtualMachine
	err = v.Retrieve(ctx, []string{"VirtualMachine"}, []string{"name", "runtime.powerState", "summary"}, &list)
	check(err == nil && len(list) > 0, "container view lists %d VMs (%v)", len(list), err)
	return list
}

// The port group "VM Network" as a Network, found through a container view.
func networks(ctx context.Context, c *govmomi.Client) {
	m := view.NewManager(c.Client)
	v, err := m.CreateContainerView(ctx, c.ServiceContent.RootFolder, []string{"Network"}, true)
	if err != nil {
		check(false, "CreateContainerView of Networks: %v", err)
		return
	}
	defer v.Destroy(ctx)
	var list []mo.Network
	err = v.Retrieve(ctx, []string{"Network"}, []string{"name", "summary"}, &list)
	found := false
	for _, n := range list {
		s := n.Summary.GetNetworkSummary()
		if n.Name == "VM Network" && n.Self.Value == "HaNetwork-VM Network" {
			found = s != nil && s.Name == n.Name && s.Accessible
		}
	}
	check(err == nil && found, "container view lists the Network 'VM Network', accessible (%d networks, %v)",
		len(list), err)
}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: govmomi_client HOST:PORT USER PASSWORD")
		os.Exit(2)
	}
	ctx := context.Background()
	addr, user, password := os.Args[1], os.Args[2], os.Args[3]

	_, err := connect(ctx, addr, user, password+"-wrong")
	invalid := false
	if err != nil && soap.IsSoapFault(err) {
		_, invalid = soap.ToSoapFault(err).VimFault().(types.InvalidLogin)
	}
	check(invalid, "wrong password refused with InvalidLogin (%v)", err)

	c, err := connect(ctx, addr, user, password)
	if err != nil {
		check(false, "login: %v", err)
		os.Exit(1)
	}
	about := c.ServiceContent.About
	check(about.ApiType == "HostAgent", "about: %s, API %s, %s", about.FullName, about.ApiVersion, about.ApiType)
	s, err := c.SessionManager.UserSession(ctx)
	check(err == nil && s != nil && s.UserName == user, "current session is %s's (%v)", user, err)

	var on *mo.VirtualMachine
	list := vms(ctx, c)
	for i := range list {
		vm := &list[i]
		check(vm.Summary.Config.Name == vm.Name && vm.Summary.Runtime.PowerState == vm.Runtime.PowerState,
			"%s: %s, %d MB, summary agrees", vm.Name, vm.Runtime.PowerState, vm.Summary.Config.MemorySizeMB)
		if on == nil && vm.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn {
			on = vm
		}
	}
	check(on != nil, "a VM is powered on")
	networks(ctx, c)
	if on != nil {
		vm := object.NewVirtualMachine(c.Client, on.Self)
		for _, step := range []struct {
			name string
			op   func(context.Context) (*object.Task, error)
			want types.VirtualMachinePowerState
		}{
			{"PowerOff", vm.PowerOff, types.VirtualMachinePowerStatePoweredOff},
			{"PowerOn", vm.PowerOn, types.VirtualMachinePowerStatePoweredOn},
		} {
			task, err := step.op(ctx)
			if err == nil {
				err = task.Wait(ctx)
			}
			state, perr := vm.PowerState(ctx)
			check(err == nil && perr == nil && state == step.want,
				"%s of %s: task done, now %s (%v %v)", step.name, on.Name, state, err, perr)
		}
	}

	err = c.Logout(ctx)
	check(err == nil, "logout (%v)", err)
	s, err = c.SessionManager.UserSession(ctx)
	notAuth := false
	if err != nil && soap.IsSoapFault(err) {
		_, notAuth = soap.ToSoapFault(err).VimFault().(types.NotAuthenticated)
	}
	check(notAuth || (err == nil && s == nil), "after logout the session is gone (%v, %v)", s, err)

	fmt.Printf("%d failures\n", failures)
	if failures > 0 {
		os.Exit(1)
	}
}
