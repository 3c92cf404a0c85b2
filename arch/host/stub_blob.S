/* The stub program (stub.c), built separately and embedded in vmlinux. */
	.section .rodata
	.globl stub_blob, stub_blob_end
	.balign 16
stub_blob:
	.incbin "build/stub"
stub_blob_end:
	.section .note.GNU-stack,"",@progbits
