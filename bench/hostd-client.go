// SPDX-License-Identifier: GPL-2.0-only
// bench/hostd's client (built for i386 and run in the lab's COS): one
// vSphere API session with govmomi against a daemon, measuring
//   - RetrievePropertiesEx calls per second, one after another, each
//     reading one property of one VM with maxObjects 1 (what Ansible's
//     modules do, over a hundred times for one power-off);
//   - PowerOnVM_Task latency: the call until task.Wait sees success (the
//     VM is powered off again, unmeasured, before each cycle).
//
//   hostd-client -addr HOST:PORT -user U -password P [-vm NAME]
//                [-seconds N] [-cycles N] -label LABEL
//
// With -start-cmd (and no -addr) it times a command instead: CYCLES runs
// of START (`vmkctl vm start spin`: what a PowerOnVM_Task of a registered
// VM does in vmk-hostd, as a process of its own), each followed,
// unmeasured, by STOP. vmk-hostd's PowerOnVM_Task less this is the
// daemon's own share (its SOAP calls, the Task, the listing).
//
//   hostd-client -start-cmd START -stop-cmd STOP [-cycles N] -label LABEL
//
// Prints "bench-hostd LABEL KEY VALUE..." lines; exit status 1 on any
// error (a failed call is never counted as a measurement).
package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"time"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/view"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

func die(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "hostd-client: "+format+"\n", args...)
	os.Exit(1)
}

// findVM: the VM named name, or the first one the container view lists
// when name is empty.
func findVM(ctx context.Context, c *govmomi.Client, name string) (types.ManagedObjectReference, string) {
	m := view.NewManager(c.Client)
	v, err := m.CreateContainerView(ctx, c.ServiceContent.RootFolder, []string{"VirtualMachine"}, true)
	if err != nil {
		die("CreateContainerView: %v", err)
	}
	defer v.Destroy(ctx)
	var list []mo.VirtualMachine
	if err := v.Retrieve(ctx, []string{"VirtualMachine"}, []string{"name"}, &list); err != nil {
		die("the container view's VMs: %v", err)
	}
	for _, vm := range list {
		if name == "" || vm.Name == name {
			return vm.Reference(), vm.Name
		}
	}
	die("no VM named %q among %d", name, len(list))
	return types.ManagedObjectReference{}, ""
}

// rpeRate: RetrievePropertiesEx calls per second over the given time.
func rpeRate(ctx context.Context, c *govmomi.Client, vm types.ManagedObjectReference, d time.Duration) float64 {
	req := types.RetrievePropertiesEx{
		This: c.ServiceContent.PropertyCollector,
		SpecSet: []types.PropertyFilterSpec{{
			PropSet:   []types.PropertySpec{{Type: "VirtualMachine", PathSet: []string{"runtime.powerState"}}},
			ObjectSet: []types.ObjectSpec{{Obj: vm}},
		}},
		Options: types.RetrieveOptions{MaxObjects: 1},
	}
	calls := 0
	start := time.Now()
	for time.Since(start) < d {
		res, err := methods.RetrievePropertiesEx(ctx, c.Client, &req)
		if err != nil {
			die("RetrievePropertiesEx: %v", err)
		}
		if res.Returnval == nil || len(res.Returnval.Objects) != 1 {
			die("RetrievePropertiesEx answered without the VM")
		}
		calls++
	}
	return float64(calls) / time.Since(start).Seconds()
}

func power(ctx context.Context, vm *object.VirtualMachine, on bool) time.Duration {
	start := time.Now()
	var task *object.Task
	var err error
	if on {
		task, err = vm.PowerOn(ctx)
	} else {
		task, err = vm.PowerOff(ctx)
	}
	if err == nil {
		err = task.Wait(ctx)
	}
	if err != nil {
		die("power on=%v: %v", on, err)
	}
	return time.Since(start)
}

// runCmd runs a shell command line, its output kept for an error.
func runCmd(line string) time.Duration {
	start := time.Now()
	out, err := exec.Command("/bin/sh", "-c", line).CombinedOutput()
	if err != nil {
		die("%s: %v: %s", line, err, out)
	}
	return time.Since(start)
}

// cmdCycles: the time of each of cycles runs of start, each followed by
// stop; printed as one line at the end (the commands print too).
func cmdCycles(label, start, stop string, cycles int) {
	line := fmt.Sprintf("bench-hostd %s poweron-ms", label)
	for i := 0; i < cycles; i++ {
		line += fmt.Sprintf(" %.1f", float64(runCmd(start).Microseconds())/1000)
		runCmd(stop)
	}
	fmt.Println(line)
}

func main() {
	addr := flag.String("addr", "", "HOST:PORT of the daemon")
	user := flag.String("user", "", "account")
	password := flag.String("password", "", "its password")
	vmName := flag.String("vm", "", "the VM (default: the first listed)")
	seconds := flag.Int("seconds", 10, "RetrievePropertiesEx window")
	cycles := flag.Int("cycles", 5, "PowerOnVM_Task cycles")
	label := flag.String("label", "", "the daemon's name in the output")
	startCmd := flag.String("start-cmd", "", "time this command instead of a daemon")
	stopCmd := flag.String("stop-cmd", "", "after each -start-cmd, unmeasured")
	flag.Parse()
	if *startCmd != "" && *label != "" {
		cmdCycles(*label, *startCmd, *stopCmd, *cycles)
		return
	}
	if *addr == "" || *label == "" {
		die("-addr and -label are needed")
	}
	ctx := context.Background()
	u, err := soap.ParseURL(*addr)
	if err != nil {
		die("%s: %v", *addr, err)
	}
	u.User = url.UserPassword(*user, *password)
	c, err := govmomi.NewClient(ctx, u, true)
	if err != nil {
		die("log in to %s: %v", *addr, err)
	}
	defer c.Logout(ctx)
	ref, name := findVM(ctx, c, *vmName)
	vm := object.NewVirtualMachine(c.Client, ref)

	fmt.Printf("bench-hostd %s vm %s\n", *label, name)
	if *seconds > 0 {
		rate := rpeRate(ctx, c, ref, time.Duration(*seconds)*time.Second)
		fmt.Printf("bench-hostd %s rpe-per-s %.1f\n", *label, rate)
	}
	if *cycles > 0 {
		state, err := vm.PowerState(ctx)
		if err != nil {
			die("the VM's power state: %v", err)
		}
		if state == types.VirtualMachinePowerStatePoweredOn {
			power(ctx, vm, false)
		}
		fmt.Printf("bench-hostd %s poweron-ms", *label)
		for i := 0; i < *cycles; i++ {
			fmt.Printf(" %.1f", float64(power(ctx, vm, true).Microseconds())/1000)
			power(ctx, vm, false)
		}
		fmt.Println()
	}
}
