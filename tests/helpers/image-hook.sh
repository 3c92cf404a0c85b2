# Run by tools/mkrootfs inside its fakeroot session, in the staging tree:
# owners, modes and device nodes under /testdata that fs.bats checks.
# Keep the two in step.
set -e
cd testdata/perms
chown 1000:1000 p0600 && chmod 0600 p0600
chown 0:0 p4755 && chmod 4755 p4755
chown 0:50 p2750 && chmod 2750 p2750
chown 0:0 p0000 && chmod 0000 p0000
chown 65534:65534 p0444 && chmod 0444 p0444
chown 0:0 d1777 && chmod 1777 d1777
chown 1000:100 d0700 && chmod 0700 d0700
cd ../dev
mknod -m 666 null c 1 3
mknod -m 666 zero c 1 5
mknod -m 660 sda b 8 0
mknod -m 660 ubda b 98 0
mknod -m 600 big c 300 70000
mkfifo -m 644 fifo
