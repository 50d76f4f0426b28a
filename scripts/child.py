#!/usr/bin/env python3
# The book's child program in Python (child.py): the parent passes its
# child number as the argument, and the child says who it is. The book
# prints sys.argv[1] alone; this prints every argument, as child.sh does,
# and nothing after the pid when there is none.
import os, sys

print('Hello from child', os.getpid(), *sys.argv[1:])
