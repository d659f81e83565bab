/* assert_double_equal for cmocka < 1.1.6 (Debian 12 ships 1.1.5, whose
 * assert_float_equal rounds to float). Include after <cmocka.h>. */
#ifndef POISE_TEST_ASSERT_H
#define POISE_TEST_ASSERT_H

#include <math.h>

#ifndef assert_double_equal
#define assert_double_equal(a, b, eps)                                                    \
	do {                                                                                  \
		double a_ = (double)(a), b_ = (double)(b), e_ = (double)(eps);                    \
		if (!(fabs(a_ - b_) <= e_))                                                       \
			fail_msg("%s = %.12g, expected %.12g ± %.3g", #a, a_, b_, e_);                \
	} while (0)
#endif

#endif
