/* Reading syscall arguments from user memory. */
#ifndef IOR_READ_BPF_H
#define IOR_READ_BPF_H

#include "maps.bpf.h"

/* Copies the user string at uptr to dst (at most cfg_str_max bytes, no NUL
 * kept). Returns the kept length and sets truncated/fault bits in *flags. */
static __always_inline __u32 args__read_str(void *dst, const void *uptr, __u8 truncated_bit,
					    __u8 fault_bit, __u8 *flags)
{
	__u32 max = cfg_str_max;
	long ret;

	if (!uptr)
		return 0;
	if (max > IOR_STR_MAX)
		max = IOR_STR_MAX;
	/* Read one byte more than we keep: a string of exactly max bytes returns
	 * max+1 (with its NUL), a longer one max+2. */
	ret = bpf_probe_read_user_str(dst, (max + 2) & 8191, uptr);
	if (ret <= 0) {
		*flags |= fault_bit;
		return 0;
	}
	if ((__u64)ret - 1 > max) {
		*flags |= truncated_bit;
		return max;
	}
	return (__u32)ret - 1;
}

#endif /* IOR_READ_BPF_H */
