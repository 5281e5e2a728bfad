/* faulty.h -- the little shared by the deliberately faulty programs: flags and sockets. */
#ifndef WIRECHECK_FAULTY_H
#define WIRECHECK_FAULTY_H

#include "net.h"

/* Reads "--listen ADDR:PORT" or "--connect ADDR:PORT" from argv (|flag| says which), with
 * |fallback| when absent; exits 2 on a bad address. */
void faulty_addr(int argc, char **argv, const char *flag, const char *fallback,
                 struct net_addr *out);

/* A listening TCP socket on |a|; prints "<banner> listening on <addr>" and flushes. Exits 3
 * when it cannot bind. */
int faulty_tcp_listen(const struct net_addr *a, const char *banner);

/* A UDP socket bound to |a|; prints the banner line the same way. */
int faulty_udp_bind(const struct net_addr *a, const char *banner);

#endif
