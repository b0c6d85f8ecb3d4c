/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A bootable disk for BIOS VMs (tests/lab/vm_bios_boots_from_its_pvscsi_disk.sh):
 * the MBR (LBA 0, loaded by the firmware at 0:7C00h) reads LBA 1 to
 * STAGE2_SECTORS with INT 13h AH=42h to 0:7E00h, checks that each sector
 * ends with its marker ("VM", its LBA, 5Ah) and jumps to the code of LBA
 * 1, which asks INT 13h AH=48h for the disk's size. Both stages print
 * through INT 10h, which SeaBIOS's serial console puts on COM1, and
 * end with "vmk-bootdisk: end" (failures too), then halt: the lab reads
 * the lines.
 *
 * Assembled and linked at 7C00h into a flat image (tests/guest/Makefile).
 */
#define STAGE2_SECTORS	16
#define SECTOR		512
#define MARKER		(SECTOR - 4)

	.code16
	.text
	.globl	_start
_start:
	cli
	xorw	%ax, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	$0x7c00, %sp
	ljmp	$0, $1f
1:	sti
	cld
	movb	%dl, drive
	movw	$msg_mbr, %si
	call	puts
	/* INT 13h AH=42h: extended read with the disk address packet */
	movw	$dap, %si
	movb	$0x42, %ah
	movb	drive, %dl
	int	$0x13
	jc	read_failed
	/* every sector of stage 2 carries "VM", its LBA, 5Ah at its end */
	movw	$0x7c00 + SECTOR + MARKER, %bx
	movb	$1, %cl
2:	cmpw	$0x4d56, (%bx)		/* "VM" */
	jne	check_failed
	cmpb	%cl, 2(%bx)
	jne	check_failed
	cmpb	$0x5a, 3(%bx)
	jne	check_failed
	addw	$SECTOR, %bx
	incb	%cl
	cmpb	$STAGE2_SECTORS, %cl
	jbe	2b
	jmp	stage2

read_failed:
	movw	$msg_read, %si
	jmp	fail
check_failed:
	movw	$msg_check, %si
fail:
	call	puts
/*
 * Every path ends here, with a last line the lab waits for. Interrupts
 * stay on: SeaBIOS sends its console buffer from IRQ 0.
 */
halt:
	movw	$msg_end, %si
	call	puts
	sti
7:	hlt
	jmp	7b

/* Print the NUL-terminated string at DS:SI on the console. */
puts:
	lodsb
	testb	%al, %al
	jz	3f
	call	putc
	jmp	puts
3:	ret

/*
 * AL on the console through the BIOS (INT 10h AH=0Eh, teletype), as boot
 * sectors print: SeaBIOS's serial console ("etc/sercon-port") buffers it
 * with its own messages and sends both, in order, to COM1.
 */
putc:
	pushw	%ax
	pushw	%bx
	movb	$0x0e, %ah
	movw	$0x0007, %bx		/* page 0, grey */
	int	$0x10
	popw	%bx
	popw	%ax
	ret

/* AX as four hex digits on the console. */
puthex16:
	pushw	%cx
	movw	$4, %cx
5:	rolw	$4, %ax
	pushw	%ax
	andb	$0x0f, %al
	addb	$'0', %al
	cmpb	$'9', %al
	jbe	6f
	addb	$'a' - '0' - 10, %al
6:	call	putc
	popw	%ax
	loop	5b
	popw	%cx
	ret

	.balign	4
dap:	.byte	16, 0			/* size, reserved */
	.word	STAGE2_SECTORS		/* sectors */
	.word	0x7c00 + SECTOR, 0	/* offset, segment */
	.quad	1			/* first LBA */
drive:	.byte	0
msg_mbr:	.asciz	"vmk-bootdisk: MBR running, reading stage 2\r\n"
msg_read:	.asciz	"vmk-bootdisk: FAIL: INT 13h read of stage 2\r\n"
msg_check:	.asciz	"vmk-bootdisk: FAIL: stage 2 sector markers wrong\r\n"
msg_end:	.asciz	"vmk-bootdisk: end\r\n"

	.org	510
	.word	0xaa55

/* ---- stage 2: LBA 1, at 7E00h ---- */
stage2:
	movw	$msg_stage2, %si
	call	puts
	/* INT 13h AH=48h: drive parameters, total sectors at offset 16 */
	movw	$params, %si
	movw	$params_end - params, (%si)
	movb	$0x48, %ah
	movb	drive, %dl
	int	$0x13
	jc	size_failed
	movw	$msg_size, %si
	call	puts
	movw	params + 18, %ax
	call	puthex16
	movw	params + 16, %ax
	call	puthex16
	movw	$msg_eol, %si
	call	puts
	jmp	halt
size_failed:
	movw	$msg_nosize, %si
	jmp	fail

msg_stage2:	.asciz	"vmk-bootdisk: stage 2 from LBA 1 runs: 16 sectors read by INT 13h and checked\r\n"
msg_size:	.asciz	"vmk-bootdisk: the disk has 0x"
msg_eol:	.asciz	" sectors\r\n"
msg_nosize:	.asciz	"vmk-bootdisk: FAIL: INT 13h drive parameters\r\n"
	.balign	2
params:	.space	30
params_end:

/* the sector markers; .org fails the build if stage 2 outgrows LBA 1 */
	.set	sec, 1
	.rept	STAGE2_SECTORS
	.org	sec * SECTOR + MARKER
	.ascii	"VM"
	.byte	sec, 0x5a
	.set	sec, sec + 1
	.endr
