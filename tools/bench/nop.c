/*
 * nop: the program forkexec runs; it only exits 0.  Built twice: static
 * (nop) and, for the Debian rows, dynamically linked against glibc
 * (nop-dyn).
 */
int
main(void)
{
	return 0;
}
