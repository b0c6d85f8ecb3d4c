// SPDX-License-Identifier: GPL-2.0-only
/* 8042 keyboard controller and its keyboard; see vmm/dev/i8042.h. */
#include "vmm/dev/i8042.h"
#include "vmm/devices.h"

/* Status register. */
#define ST_OBF		0x01	/* output buffer full */
#define ST_SYS		0x04	/* system flag, a copy of CCB_SYS */
#define ST_CMD		0x08	/* the last write went to the command port */
#define ST_UNLOCKED	0x10	/* keyboard not inhibited by the key lock */
#define ST_AUXB		0x20	/* the output buffer holds auxiliary data */
#define ST_TIMEOUT	0x40	/* a device did not answer */

/* Controller command byte. */
#define CCB_KBD_INT	0x01
#define CCB_AUX_INT	0x02
#define CCB_SYS		0x04
#define CCB_KBD_OFF	0x10
#define CCB_AUX_OFF	0x20
#define CCB_XLATE	0x40

/* Controller commands (port 0x64). */
#define CMD_READ_CCB	0x20
#define CMD_WRITE_CCB	0x60
#define CMD_AUX_OFF	0xa7
#define CMD_AUX_ON	0xa8
#define CMD_AUX_TEST	0xa9
#define CMD_SELF_TEST	0xaa
#define CMD_KBD_TEST	0xab
#define CMD_KBD_OFF	0xad
#define CMD_KBD_ON	0xae
#define CMD_READ_INPUT	0xc0
#define CMD_READ_OUTPUT	0xd0
#define CMD_WRITE_OUTPUT 0xd1
#define CMD_WRITE_KBD_OB 0xd2
#define CMD_WRITE_AUX_OB 0xd3
#define CMD_WRITE_AUX	0xd4
#define CMD_READ_TEST	0xe0
#define CMD_PULSE_FIRST	0xf0	/* 0xF0-0xFF pulse output bits whose 0 bits are set */

#define SELF_TEST_OK	0x55
#define OUT_RESET	0x01	/* output port: the CPU's reset line, active low */
#define OUT_A20		0x02
#define OUT_KBD_FULL	0x10
#define OUT_AUX_FULL	0x20
#define OUT_LINES	0xcc	/* keyboard clock and data lines idle high */
#define INPUT_PORT	0x80	/* keyboard not inhibited */

/* Keyboard commands (port 0x60) and replies. */
#define KBD_SET_LEDS	0xed
#define KBD_ECHO	0xee
#define KBD_SCAN_SET	0xf0
#define KBD_IDENTIFY	0xf2
#define KBD_TYPEMATIC	0xf3
#define KBD_ENABLE	0xf4
#define KBD_DISABLE	0xf5
#define KBD_DEFAULTS	0xf6
#define KBD_RESEND	0xfe
#define KBD_RESET	0xff
#define KBD_ACK		0xfa
#define KBD_BAT_OK	0xaa
#define KBD_ID_1	0xab
#define KBD_ID_2	0x83	/* MF2 keyboard */
#define KBD_ID_2_XLATE	0x41	/* what the controller passes on when translating */

static void update_irqs(struct i8042 *k)
{
	bool full = k->status & ST_OBF, aux = k->out_from == I8042_FROM_AUX;

	vdev_irq_set(k->vm, I8042_KBD_IRQ, full && !aux && (k->ccb & CCB_KBD_INT));
	vdev_irq_set(k->vm, I8042_AUX_IRQ, full && aux && (k->ccb & CCB_AUX_INT));
}

/* A port turned off by the command byte holds its bytes back. */
static bool held(const struct i8042 *k, uint8_t from)
{
	return (from == I8042_FROM_KBD && (k->ccb & CCB_KBD_OFF)) ||
	       (from == I8042_FROM_AUX && (k->ccb & CCB_AUX_OFF));
}

/* Move the first byte not held back into an empty output buffer. */
static void refill(struct i8042 *k)
{
	unsigned int i;

	if (!(k->status & ST_OBF)) {
		for (i = 0; i < k->q_len && held(k, k->q_from[i]); i++)
			;
		if (i < k->q_len) {
			k->out = k->q[i];
			k->out_from = k->q_from[i];
			k->q_len--;
			for (; i < k->q_len; i++) {
				k->q[i] = k->q[i + 1];
				k->q_from[i] = k->q_from[i + 1];
			}
			k->status |= ST_OBF;
			if (k->out_from == I8042_FROM_AUX)
				k->status |= ST_AUXB;
			else
				k->status &= (uint8_t)~ST_AUXB;
		}
	}
	update_irqs(k);
}

static void reply(struct i8042 *k, uint8_t from, uint8_t byte)
{
	if (k->q_len == I8042_QUEUE) {
		k->dropped++;
		return;
	}
	k->q[k->q_len] = byte;
	k->q_from[k->q_len++] = from;
	refill(k);
}

static void kbd_defaults(struct i8042 *k)
{
	k->kbd_set = 2;
	k->kbd_cmd = 0;
}

/* A byte the keyboard received: a command, or the argument of one. */
static void kbd_write(struct i8042 *k, uint8_t v)
{
	uint8_t cmd = k->kbd_cmd;

	k->kbd_cmd = 0;
	if (cmd == KBD_SCAN_SET && v == 0) {
		reply(k, I8042_FROM_KBD, KBD_ACK);
		reply(k, I8042_FROM_KBD, k->ccb & CCB_XLATE ?
		      (uint8_t[]){ 0, 0x43, 0x41, 0x3f }[k->kbd_set] : k->kbd_set);
		return;
	}
	if (cmd == KBD_SCAN_SET && v <= 3) {
		k->kbd_set = v;
		reply(k, I8042_FROM_KBD, KBD_ACK);
		return;
	}
	if (cmd == KBD_SET_LEDS || cmd == KBD_TYPEMATIC) {
		reply(k, I8042_FROM_KBD, KBD_ACK);
		return;
	}
	switch (v) {
	case KBD_ECHO:
		reply(k, I8042_FROM_KBD, KBD_ECHO);
		break;
	case KBD_SET_LEDS:
	case KBD_TYPEMATIC:
	case KBD_SCAN_SET:
		k->kbd_cmd = v;
		reply(k, I8042_FROM_KBD, KBD_ACK);
		break;
	case KBD_IDENTIFY:
		reply(k, I8042_FROM_KBD, KBD_ACK);
		reply(k, I8042_FROM_KBD, KBD_ID_1);
		reply(k, I8042_FROM_KBD, k->ccb & CCB_XLATE ? KBD_ID_2_XLATE : KBD_ID_2);
		break;
	case KBD_ENABLE:
		k->kbd_scanning = true;
		reply(k, I8042_FROM_KBD, KBD_ACK);
		break;
	case KBD_DISABLE:
		k->kbd_scanning = false;
		kbd_defaults(k);
		reply(k, I8042_FROM_KBD, KBD_ACK);
		break;
	case KBD_DEFAULTS:
		kbd_defaults(k);
		reply(k, I8042_FROM_KBD, KBD_ACK);
		break;
	case KBD_RESET:
		kbd_defaults(k);
		k->kbd_scanning = true;
		reply(k, I8042_FROM_KBD, KBD_ACK);
		reply(k, I8042_FROM_KBD, KBD_BAT_OK);
		break;
	default:
		if (v >= 0xf7 && v <= 0xfd) {	/* set-3 key modes: ignored */
			reply(k, I8042_FROM_KBD, KBD_ACK);
			break;
		}
		reply(k, I8042_FROM_KBD, KBD_RESEND);	/* not a command */
		break;
	}
}

static void reset_vm(struct i8042 *k, const char *why)
{
	vdev_set_status(k->vm, VDEV_RESET_REQUESTED, why);
}

static uint8_t output_port(const struct i8042 *k)
{
	uint8_t v = OUT_LINES | OUT_RESET | OUT_A20;

	if (k->status & ST_OBF)
		v |= k->out_from == I8042_FROM_AUX ? OUT_AUX_FULL : OUT_KBD_FULL;
	return v;
}

static void set_ccb(struct i8042 *k, uint8_t v)
{
	k->ccb = v;
	k->status = (uint8_t)((k->status & ~ST_SYS) | (v & CCB_SYS ? ST_SYS : 0));
	refill(k);	/* a port turned on lets its bytes through */
}

/* The data byte of a controller command that takes one. */
static void command_data(struct i8042 *k, uint8_t cmd, uint8_t v)
{
	switch (cmd) {
	case CMD_WRITE_CCB:
		set_ccb(k, v);
		break;
	case CMD_WRITE_OUTPUT:
		if (!(v & OUT_RESET))
			reset_vm(k, "guest reset (8042 output port)");
		break;		/* A20 stays on */
	case CMD_WRITE_KBD_OB:
		reply(k, I8042_FROM_KBD, v);
		break;
	case CMD_WRITE_AUX_OB:
		reply(k, I8042_FROM_AUX, v);
		break;
	case CMD_WRITE_AUX:
		/* nothing on the auxiliary port answers */
		k->status |= ST_TIMEOUT;
		reply(k, I8042_FROM_AUX, KBD_RESEND);
		break;
	}
}

static void command(struct i8042 *k, uint8_t cmd)
{
	switch (cmd) {
	case CMD_READ_CCB:
		reply(k, I8042_FROM_CTRL, k->ccb);
		break;
	case CMD_WRITE_CCB:
	case CMD_WRITE_OUTPUT:
	case CMD_WRITE_KBD_OB:
	case CMD_WRITE_AUX_OB:
	case CMD_WRITE_AUX:
		k->pending_cmd = cmd;
		break;
	case CMD_AUX_OFF:
		set_ccb(k, k->ccb | CCB_AUX_OFF);
		break;
	case CMD_AUX_ON:
		set_ccb(k, k->ccb & (uint8_t)~CCB_AUX_OFF);
		break;
	case CMD_KBD_OFF:
		set_ccb(k, k->ccb | CCB_KBD_OFF);
		break;
	case CMD_KBD_ON:
		set_ccb(k, k->ccb & (uint8_t)~CCB_KBD_OFF);
		break;
	case CMD_AUX_TEST:
	case CMD_KBD_TEST:
		reply(k, I8042_FROM_CTRL, 0x00);	/* interface lines good */
		break;
	case CMD_SELF_TEST:
		reply(k, I8042_FROM_CTRL, SELF_TEST_OK);
		break;
	case CMD_READ_INPUT:
		reply(k, I8042_FROM_CTRL, INPUT_PORT);
		break;
	case CMD_READ_OUTPUT:
		reply(k, I8042_FROM_CTRL, output_port(k));
		break;
	case CMD_READ_TEST:
		reply(k, I8042_FROM_CTRL, 0x00);
		break;
	default:
		if (cmd >= CMD_PULSE_FIRST && !(cmd & OUT_RESET))
			reset_vm(k, "guest reset (8042 command 0xFE)");
		break;	/* others: no effect */
	}
}

static uint32_t data_read(void *dev, uint32_t offset, unsigned int size)
{
	struct i8042 *k = dev;
	uint8_t v = k->out;	/* an empty buffer reads its last byte again */

	(void)offset;
	(void)size;
	k->status &= (uint8_t)~(ST_OBF | ST_TIMEOUT);
	/* OBF, which drives IRQ 1 and 12, drops: the next byte is a new edge */
	update_irqs(k);
	refill(k);
	return v;
}

static void data_write(void *dev, uint32_t offset, unsigned int size,
		       uint32_t val)
{
	struct i8042 *k = dev;
	uint8_t cmd = k->pending_cmd;

	(void)offset;
	(void)size;
	k->status &= (uint8_t)~ST_CMD;
	k->pending_cmd = 0;
	if (cmd)
		command_data(k, cmd, (uint8_t)val);
	else
		kbd_write(k, (uint8_t)val);
}

static uint32_t status_read(void *dev, uint32_t offset, unsigned int size)
{
	struct i8042 *k = dev;

	(void)offset;
	(void)size;
	return k->status;
}

static void command_write(void *dev, uint32_t offset, unsigned int size,
			  uint32_t val)
{
	struct i8042 *k = dev;

	(void)offset;
	(void)size;
	k->status |= ST_CMD;
	k->pending_cmd = 0;
	command(k, (uint8_t)val);
}

static const struct vdev_io_ops data_ops = {
	.read = data_read, .write = data_write,
};
static const struct vdev_io_ops command_ops = {
	.read = status_read, .write = command_write,
};

static enum vdev_result i8042_attach(struct vm_devices *vm)
{
	struct i8042 *k = &vm->i8042;
	enum vdev_result r;

	/*
	 * Translation on, as firmware leaves it (SeaBIOS's
	 * ps2_keyboard_setup() sets XLATE): a directly booted Linux keeps it
	 * and says "AT Translated Set 2 keyboard" as on QEMU or a PC; with it
	 * off i8042_controller_init() goes direct ("AT Raw Set 2").
	 */
	*k = (struct i8042){
		.vm = vm,
		.status = ST_CMD | ST_UNLOCKED,
		.ccb = CCB_KBD_INT | CCB_AUX_INT | CCB_XLATE,
		.kbd_scanning = true,
		.kbd_set = 2,
	};
	r = vdev_register_pio(vm, I8042_DATA_PORT, 1, &data_ops, k);
	if (r == VDEV_OK)
		r = vdev_register_pio(vm, I8042_CMD_PORT, 1, &command_ops, k);
	return r;
}

const struct vdev_type i8042_vdev = {
	.name = "i8042",
	.attach = i8042_attach,
};
