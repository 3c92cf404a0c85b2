/*
 * A shared library the dynamic musl programs are linked against
 * (DT_NEEDED): the loader must find it (through $ORIGIN), relocate it and
 * give its thread-local variable a place in every thread's static TLS.
 */
__thread int dep_tls = 7;

int
dep_add(int a, int b)
{
	return a + b + dep_tls;
}
