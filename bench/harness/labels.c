/* labels.c - short labels for canonical specs: keep a parameter only when
 * it tells two specs of the same type apart. A spec is "name[:k=v,...]"
 * (canonical: every key present, fixed order, no spaces). Cost O(n u p^2)
 * for n specs (u distinct) of p parameters each. */
#include <stdlib.h>
#include <string.h>
#include "bench/harness/labels.h"

/* Length of the type name (up to ':' or the end). */
static size_t name_len(const char *s)
{
    return strcspn(s, ":");
}

/* Value of key (klen bytes) in spec s: pointer to it and its length in
 * *vlen, or NULL when s has no such key. */
static const char *find_value(const char *s, const char *key, size_t klen, size_t *vlen)
{
    const char *p = strchr(s, ':');
    while (p) {
        p++;
        size_t tok = strcspn(p, ",");
        const char *eq = memchr(p, '=', tok);
        if (eq && (size_t)(eq - p) == klen && memcmp(p, key, klen) == 0) {
            *vlen = tok - (size_t)(eq + 1 - p);
            return eq + 1;
        }
        p = p[tok] ? p + tok : NULL;
    }
    return NULL;
}

/* 1 when some spec of the same type as specs[i] gives key=value (one
 * "k=v" token) a different value or lacks it. */
static int varies(const char *const *specs, size_t n, size_t i, const char *tok, size_t toklen)
{
    const char *eq = memchr(tok, '=', toklen);
    size_t klen = eq ? (size_t)(eq - tok) : toklen;
    size_t vlen0 = eq ? toklen - klen - 1 : 0;
    const char *v0 = eq ? eq + 1 : "";
    size_t nl = name_len(specs[i]);
    for (size_t j = 0; j < n; j++) {
        if (name_len(specs[j]) != nl || memcmp(specs[j], specs[i], nl) != 0)
            continue;
        size_t vlen;
        const char *v = find_value(specs[j], tok, klen, &vlen);
        if (!v || vlen != vlen0 || memcmp(v, v0, vlen) != 0)
            return 1;
    }
    return 0;
}

void mib_labels_short(const char *const *specs, size_t n, char (*out)[MIB_SPEC_LEN])
{
    for (size_t i = 0; i < n; i++) {
        char *o = out[i];
        size_t first = 0;
        while (strcmp(specs[first], specs[i]) != 0)
            first++;
        if (first < i) { /* a repeat: same label as its first occurrence */
            memcpy(o, out[first], MIB_SPEC_LEN);
            continue;
        }
        size_t nl = name_len(specs[i]), len = nl < MIB_SPEC_LEN - 1 ? nl : MIB_SPEC_LEN - 1;
        memcpy(o, specs[i], len);
        char sep = ':';
        const char *p = strchr(specs[i], ':');
        while (p) {
            p++;
            size_t tok = strcspn(p, ",");
            if (tok && varies(specs, n, i, p, tok) && len + 1 + tok < MIB_SPEC_LEN) {
                o[len++] = sep;
                memcpy(o + len, p, tok);
                len += tok;
                sep = ',';
            }
            p = p[tok] ? p + tok : NULL;
        }
        o[len] = '\0';
    }
}

void mib_labels_family(const char *spec, char *buf, size_t len)
{
    size_t nl = name_len(spec), used = 0;
    char sep = ':';
    if (!len)
        return;
    used = nl < len - 1 ? nl : len - 1;
    memcpy(buf, spec, used);
    for (const char *p = strchr(spec, ':'); p; p = p[strcspn(p, ",")] ? p + strcspn(p, ",") : NULL) {
        p += *p == ':' || *p == ',';
        size_t tok = strcspn(p, ",");
        const char *eq = memchr(p, '=', tok);
        char val[64];
        size_t vlen = eq ? tok - (size_t)(eq + 1 - p) : 0;
        if (!eq || vlen == 0 || vlen >= sizeof val)
            continue;
        memcpy(val, eq + 1, vlen);
        val[vlen] = '\0';
        char *end;
        strtod(val, &end);
        if (*end == '\0' || used + 1 + tok >= len) /* a number, or no room */
            continue;
        buf[used++] = sep;
        memcpy(buf + used, p, tok);
        used += tok;
        sep = ',';
    }
    buf[used] = '\0';
}

void mib_labels_slug(const char *label, char *buf, size_t len)
{
    size_t i = 0;
    for (; len && label[i] && i + 1 < len; i++) {
        char c = label[i];
        int keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '.' || c == '+' || c == '-';
        buf[i] = keep ? c : '_';
    }
    if (len)
        buf[i] = '\0';
}
