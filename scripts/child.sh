#!/bin/sh
# The book's child program: the parent passes its child number as the
# argument, and the child says who it is.
echo "Hello from child $$" "$@"
