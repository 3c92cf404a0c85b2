/*
 * A plugin that musl_facts loads with dlopen: its thread-local variable
 * lives in dynamic TLS, allocated per thread by the loader.
 */
__thread int plug_tls = 100;

const char *
plug_hello(void)
{
	return "hello from the plugin";
}

int
plug_bump(void)
{
	return ++plug_tls;
}
