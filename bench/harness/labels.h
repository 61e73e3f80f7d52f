/* labels.h - short display labels for canonical spec strings (legends,
 * table rows, file names), shared by `mibench plot` and `mibench check`. */
#ifndef MIB_LABELS_H
#define MIB_LABELS_H

#include <stddef.h>
#include "mibench/results.h"

/* For each of the n canonical specs ("name:k=v,k=v"), write to out[i] the
 * type name followed by only those parameters whose value is not the same
 * in every spec of that type in the list ("ksg1:k=3,dim=1" and
 * "ksg1:k=5,dim=1" give "ksg1:k=3" and "ksg1:k=5"; a lone type gives its
 * bare name). Specs may repeat. Labels are truncated to MIB_SPEC_LEN - 1. */
void mib_labels_short(const char *const *specs, size_t n, char (*out)[MIB_SPEC_LEN]);

/* The family of a spec: its type name and only its non-numeric parameters
 * ("gaussian:dim=1,rho=0.5,transform=cubic" -> "gaussian:transform=cubic"),
 * so that specs differing only in numbers (which set the true MI) fall in
 * one family. Written to buf (len bytes), truncated to fit. */
void mib_labels_family(const char *spec, char *buf, size_t len);

/* Copy label into buf (len bytes) keeping [A-Za-z0-9.+-] and mapping every
 * other byte to '_', for use in file names; at most len - 1 bytes. */
void mib_labels_slug(const char *label, char *buf, size_t len);

#endif
