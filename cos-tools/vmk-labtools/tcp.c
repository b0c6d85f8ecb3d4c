// SPDX-License-Identifier: GPL-2.0-only
/*
 * TCP: an echo server and a client that sends a pseudo-random stream and
 * checks that the same bytes come back. In the lab the client reaches the
 * server through QEMU's user network (COS -> gateway -> host port forward ->
 * COS), so every byte crosses the e1000 twice in each direction.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "labtool.h"

#define TCP_TIMEOUT_MS	20000

static uint8_t tcp_byte(uint64_t off)
{
	uint32_t x = (uint32_t)(off >> 2) * 2654435761u;

	return (uint8_t)((x ^ (x >> 13)) >> (8 * (off & 3)));
}

int cmd_tcp_echo(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int s, one = 1;

	if (argc != 2)
		return labtool_fail("usage: tcp-echo PORT");
	a.sin_port = htons(atoi(argv[1]));
	s = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 4))
		return labtool_fail("tcp-echo: cannot listen on port %s: %m", argv[1]);
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		char buf[16384];
		ssize_t n;
		int c = accept(s, NULL, NULL);

		if (c < 0)
			continue;
		while ((n = read(c, buf, sizeof(buf))) > 0)
			if (write(c, buf, n) != n)
				break;
		close(c);
	}
}

int cmd_tcp_check(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	uint64_t size, sent = 0, got = 0, t0;
	struct pollfd p;
	uint8_t buf[8192];
	int s;

	if (argc != 4 || !inet_aton(argv[1], &a.sin_addr) || !(size = labtool_size(argv[3])))
		return labtool_fail("usage: tcp-check IP PORT SIZE");
	a.sin_port = htons(atoi(argv[2]));
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)))
		return labtool_fail("tcp-check: cannot connect to %s:%s: %m", argv[1], argv[2]);
	/* non-blocking: never wait in write() while the echo waits for us to read */
	fcntl(s, F_SETFL, O_NONBLOCK);
	signal(SIGPIPE, SIG_IGN);
	t0 = labtool_now_ns();
	p.fd = s;
	while (got < size) {
		p.events = POLLIN | (sent < size ? POLLOUT : 0);
		if (poll(&p, 1, TCP_TIMEOUT_MS) <= 0)
			return labtool_fail("tcp-check: %s:%s stalled after %llu of %llu bytes echoed",
					    argv[1], argv[2], (unsigned long long)got,
					    (unsigned long long)size);
		if ((p.revents & POLLOUT) && sent < size) {
			size_t n = size - sent < sizeof(buf) ? size - sent : sizeof(buf), i;
			ssize_t w;

			for (i = 0; i < n; i++)
				buf[i] = tcp_byte(sent + i);
			w = write(s, buf, n);
			if (w < 0 && errno != EAGAIN)
				return labtool_fail("tcp-check: write: %m");
			sent += w > 0 ? w : 0;
		}
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t r = read(s, buf, sizeof(buf)), i;

			if (r < 0 && errno == EAGAIN)
				continue;
			if (r <= 0)
				return labtool_fail("tcp-check: connection ended after %llu of %llu bytes echoed",
						    (unsigned long long)got, (unsigned long long)size);
			for (i = 0; i < r; i++)
				if (buf[i] != tcp_byte(got + i))
					return labtool_fail("tcp-check: echoed byte %llu differs",
							    (unsigned long long)(got + i));
			got += r;
		}
	}
	close(s);
	printf("tcp-check: %llu bytes echoed intact in %llu ms\n", (unsigned long long)size,
	       (unsigned long long)(labtool_now_ns() - t0) / 1000000);
	return 0;
}
