// SPDX-License-Identifier: GPL-2.0-only
/*
 * An empty ICU data library for the COS: libxml2 links ICU (libicuuc),
 * which links libicudata, 31 MiB of tables, 2/3 of all vmk-hostd loads:
 * the lab's initramfs grew from 17 to 65 MiB with it, and the COS kernel
 * unpacks it at every boot. libxml2 asks ICU only for encodings it cannot
 * convert itself (it has UTF-8, UTF-16, ISO-8859-1, ASCII, ...), and SOAP
 * requests are UTF-8. With this stub ICU finds its common data invalid
 * (no 0xda27 magic, ICU's udata.cpp udata_checkCommonData) and no data
 * file either, so such an encoding is refused (an InvalidRequest fault)
 * instead of converted. Built as libicudata.so.<ICU major> by
 * cos-tools/Makefile; ci/initramfs ships it in place of Debian's.
 */
#ifndef ICUDT_SYMBOL
#error "cos-tools/Makefile names the symbol: -DICUDT_SYMBOL=icudt<major>_dat"
#endif

/* Zeros where the data header (size, magic, UDataInfo) would be. */
const unsigned char ICUDT_SYMBOL[64] __attribute__((aligned(16)));
