/* nop: the program forkexec runs; a static binary that only exits 0. */
int
main(void)
{
	return 0;
}
