#!/bin/sh
# placeholder: replaced by the kernel test runner
echo "kernel tests not written yet"; exit 77
