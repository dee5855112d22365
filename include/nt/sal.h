/*
 * Source annotations (SAL 2 and the older driver annotations) as driver
 * sources write them. They tell a static analyser about buffers, IRQL and
 * locks; GCC has no such analyser, so every one of them expands to nothing
 * and a source that carries them compiles as it is. ntlab checks the IRQL
 * rules they describe at run time instead.
 */
#ifndef NT_SAL_H
#define NT_SAL_H

/* ---- Parameters and results ---- */
#define _In_
#define _In_opt_
#define _In_z_
#define _In_opt_z_
#define _In_reads_(n)
#define _In_reads_opt_(n)
#define _In_reads_bytes_(n)
#define _In_reads_bytes_opt_(n)
#define _In_reads_z_(n)
#define _In_range_(lo, hi)
#define _Out_
#define _Out_opt_
#define _Out_z_cap_(n)
#define _Out_writes_(n)
#define _Out_writes_opt_(n)
#define _Out_writes_z_(n)
#define _Out_writes_bytes_(n)
#define _Out_writes_bytes_opt_(n)
#define _Out_writes_to_(n, c)
#define _Out_writes_to_opt_(n, c)
#define _Out_writes_bytes_to_(n, c)
#define _Out_writes_bytes_to_opt_(n, c)
#define _Out_writes_all_(n)
#define _Out_writes_bytes_all_(n)
#define _Out_range_(lo, hi)
#define _Inout_
#define _Inout_opt_
#define _Inout_z_
#define _Inout_updates_(n)
#define _Inout_updates_opt_(n)
#define _Inout_updates_bytes_(n)
#define _Inout_updates_bytes_opt_(n)
#define _Outptr_
#define _Outptr_opt_
#define _Outptr_result_maybenull_
#define _Outptr_opt_result_maybenull_
#define _Outptr_result_nullonfailure_
#define _Outptr_result_buffer_(n)
#define _Outptr_result_bytebuffer_(n)
#define _Reserved_
#define _Ret_maybenull_
#define _Ret_notnull_
#define _Ret_range_(lo, hi)
#define _Ret_z_
#define _Result_nullonfailure_
#define _Result_zeroonfailure_
#define _Must_inspect_result_
#define _Check_return_
#define _Success_(expr)
#define _Return_type_success_(expr)
#define _Printf_format_string_
#define _Frees_ptr_
#define _Frees_ptr_opt_
#define _Post_invalid_
#define _Post_ptr_invalid_
#define _Post_writable_byte_size_(n)
#define _Post_satisfies_(expr)
#define _Post_equal_to_(expr)
#define _Pre_satisfies_(expr)
#define _Pre_notnull_
#define _Pre_maybenull_
#define _Notnull_
#define _Maybenull_
#define _Null_terminated_
#define _NullNull_terminated_
#define _Literal_
#define _Notliteral_
#define _Const_
#define _Strict_type_match_
#define _Points_to_data_
#define _Writable_bytes_(n)
#define _Readable_bytes_(n)
#define _Pre_
#define _Post_
#define _Deref_pre_
#define _Deref_post_
#define _Deref_out_
#define _Deref_out_opt_
#define _When_(cond, annotations)
#define _At_(target, annotations)
#define _At_buffer_(target, i, bound, annotations)
#define _Use_decl_annotations_
#define _Analysis_assume_(expr)
#define _Analysis_mode_(mode)
#define _Analysis_noreturn_

/* ---- Structures ---- */
#define _Field_size_(n)
#define _Field_size_opt_(n)
#define _Field_size_bytes_(n)
#define _Field_size_bytes_opt_(n)
#define _Field_size_part_(n, c)
#define _Field_size_bytes_part_(n, c)
#define _Field_range_(lo, hi)
#define _Field_z_
#define _Struct_size_bytes_(n)

/* ---- Drivers: roles, IRQL, locks, resources ---- */
#define _Function_class_(name)
#define _Dispatch_type_(major)
#define _IRQL_requires_(irql)
#define _IRQL_requires_max_(irql)
#define _IRQL_requires_min_(irql)
#define _IRQL_raises_(irql)
#define _IRQL_requires_same_
#define _IRQL_saves_
#define _IRQL_restores_
#define _IRQL_saves_global_(kind, param)
#define _IRQL_restores_global_(kind, param)
#define _IRQL_always_function_min_(irql)
#define _IRQL_always_function_max_(irql)
#define _IRQL_uses_cancel_
#define _IRQL_is_cancel_
#define _Requires_lock_held_(lock)
#define _Requires_lock_not_held_(lock)
#define _Requires_exclusive_lock_held_(lock)
#define _Requires_shared_lock_held_(lock)
#define _Acquires_lock_(lock)
#define _Releases_lock_(lock)
#define _Acquires_exclusive_lock_(lock)
#define _Releases_exclusive_lock_(lock)
#define _Acquires_shared_lock_(lock)
#define _Releases_shared_lock_(lock)
#define _Guarded_by_(lock)
#define _Interlocked_
#define _Interlocked_operand_
#define _Kernel_float_saved_
#define _Kernel_float_restored_
#define _Kernel_float_used_
#define _Kernel_clear_do_init_(yes_no)
#define _Kernel_requires_resource_held_(kind)
#define _Kernel_requires_resource_not_held_(kind)
#define _Kernel_acquires_resource_(kind)
#define _Kernel_releases_resource_(kind)
#define _Kernel_IoGetDmaAdapter_
#define _Kernel_ptr_

/* ---- The older driver annotations (__drv_*, __in, __out, ...) ---- */
#define __drv_dispatchType(major)
#define __drv_dispatchType_other
#define __drv_functionClass(name)
#define __drv_maxIRQL(irql)
#define __drv_minIRQL(irql)
#define __drv_requiresIRQL(irql)
#define __drv_setsIRQL(irql)
#define __drv_raisesIRQL(irql)
#define __drv_sameIRQL
#define __drv_savesIRQL
#define __drv_restoresIRQL
#define __drv_savesIRQLGlobal(kind, param)
#define __drv_restoresIRQLGlobal(kind, param)
#define __drv_useCancelIRQL
#define __drv_isCancelIRQL
#define __drv_when(cond, annotations)
#define __drv_arg(expr, annotations)
#define __drv_in(annotations)
#define __drv_out(annotations)
#define __drv_aliasesMem
#define __drv_allocatesMem(kind)
#define __drv_freesMem(kind)
#define __drv_mustHold(kind)
#define __drv_neverHold(kind)
#define __drv_acquiresResource(kind)
#define __drv_releasesResource(kind)
#define __drv_strictTypeMatch(mode)
#define __drv_isObjectPointer
#define __drv_valueIs(list)
#define __drv_inTry
#define __drv_clearDoInit(yes_no)
#define __in
#define __in_opt
#define __in_z
#define __in_bcount(n)
#define __in_bcount_opt(n)
#define __in_ecount(n)
#define __in_ecount_opt(n)
#define __out
#define __out_opt
#define __out_bcount(n)
#define __out_bcount_opt(n)
#define __out_ecount(n)
#define __out_ecount_opt(n)
#define __inout
#define __inout_opt
#define __inout_bcount(n)
#define __inout_ecount(n)
#define __deref_out
#define __deref_out_opt
#define __checkReturn
#define __success(expr)
#define __reserved
#define __field_bcount(n)
#define __field_ecount(n)

/* ---- Further forms WDK drivers and their programs use ---- */
#define _Always_(...)
#define _Analysis_assume_lock_acquired_(...)
#define _Analysis_assume_lock_held_(...)
#define _Analysis_assume_lock_not_held_(...)
#define _Analysis_assume_nullterminated_(...)
#define _Analysis_assume_same_lock_(...)
#define _Analysis_code_type_kernel_driver_
#define _Analysis_code_type_user_code_
#define _Analysis_code_type_user_driver_
#define _Analysis_suppress_lock_checking_(...)
#define _COM_Outptr_
#define _COM_Outptr_opt_
#define _COM_Outptr_opt_result_maybenull_
#define _COM_Outptr_result_maybenull_
#define _Deref_out_range_(...)
#define _Deref_post_null_
#define _Flt_CompletionContext_Outptr_
#define _Flt_ConnectionCookie_Outptr_
#define _IRQL_limited_to_(...)
#define _In_count_(...)
#define _In_opt_bytecount_(...)
#define _In_reads_or_z_(...)
#define _In_reads_or_z_opt_(...)
#define _Inexpressible_(...)
#define _Inout_bytecount_(...)
#define _Inout_updates_all_(...)
#define _Inout_updates_bytes_all_(...)
#define _Inout_updates_bytes_to_(...)
#define _Inout_updates_to_(...)
#define _Inout_updates_z_(...)
#define _Null_
#define _On_failure_(...)
#define _Out_writes_opt_z_(...)
#define _Outptr_opt_result_buffer_(...)
#define _Outptr_opt_result_buffer_maybenull_(...)
#define _Outptr_result_buffer_maybenull_(...)
#define _Outptr_result_bytebuffer_maybenull_(...)
#define _Outptr_result_bytebuffer_to_(...)
#define _Outref_result_buffer_(...)
#define _Param_(...)
#define _Post_maybenull_
#define _Post_notnull_
#define _Post_null_
#define _Post_valid_
#define _Pre_null_
#define _Pre_valid_
#define _Pre_writable_byte_size_(...)
#define _Releases_nonreentrant_lock_(...)
#define _Requires_no_locks_held_
#define _Ret_valid_
#define _Ret_writes_bytes_maybenull_(...)
#define _Valid_

#endif
