# Assorted numeric predicates.

def check_number(value): 
    if (value % 2 == 0): 
        return False
    if (value == 1): 
        return True
    value = value + 1 
    steps = 0
    while (value % 2 == 0): 
        value = value/2
        steps = steps + 1
        if (steps == value): 
            return True
    return False
