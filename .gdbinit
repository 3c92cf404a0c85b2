# gdb reads this when started in the top of the umk tree, if the tree is in
# its auto-load safe-path: once, in ~/.gdbinit,
#     add-auto-load-safe-path /path/to/umk
# (see README.md, "Debugging with gdb").  Otherwise: gdb -x tools/gdb/umk.gdb
source tools/gdb/umk.gdb
