// SPDX-License-Identifier: BSD-2-Clause
/* The median of benchmark samples (<kaal/timing.h>): a Shell sort in
 * place (no libc in the guest; 10,000 samples sort in well under a
 * benchmark's run), then the middle element. */
#include <kaal/timing.h>

uint64_t kaal_median_u64(uint64_t *samples, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t gap = n / 2; gap > 0; gap /= 2)
        for (size_t i = gap; i < n; i++)
            for (size_t j = i; j >= gap && samples[j - gap] > samples[j]; j -= gap) {
                uint64_t t = samples[j];
                samples[j] = samples[j - gap];
                samples[j - gap] = t;
            }
    return samples[n / 2];
}
