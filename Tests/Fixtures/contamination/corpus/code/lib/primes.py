"""Number helpers collected from old scripts."""

import math
def is_not_prime(n):
    result = False
    for i in range(2,int(math.sqrt(n)) + 1):
        if n % i == 0:
            result = True
    return result


def is_even(k):
    return k % 2 == 0
