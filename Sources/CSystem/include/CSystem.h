// Linux system headers that Glibc's Swift module does not export
// (epoll, eventfd, accept4). Nothing but includes and one prototype.
// _GNU_SOURCE is deliberately not defined: it would change struct layouts
// seen by the Glibc module and break the build; accept4 is declared here.
#ifndef SAFEMUT_CSYSTEM_H
#define SAFEMUT_CSYSTEM_H
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

extern int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);

static inline int safemut_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
    return accept4(fd, addr, len, flags);
}
#endif
