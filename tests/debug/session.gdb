# gdb commands of the debug.gdb_session test (gdb_session.py checks the transcript).
break accumulate
continue
print n
print/x $a0
info registers pc
next
next
print total
step
bt
finish
print counter
watch counter
continue
continue
delete
hbreak square
continue
print v
set var counter = 40
print counter
delete
stepi
x/2i $pc
info threads
monitor help
monitor harts
monitor tag x10
detach
