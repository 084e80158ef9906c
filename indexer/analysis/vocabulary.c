#include "vocabulary.h"

#include <stdio.h>

/* The field's vocabulary, for an archive of PyTorch community talks:
 * abbreviations and their expansions as people say them, and the names
 * speech recognition writes for them ("nickel" for NCCL). Identifiers'
 * spoken forms ("torch dot compile", "x underscore y") come from rules,
 * not lines here (synonyms_rewrite_query). An entry is general when it
 * means the same thing in any talk about the field; what one archive alone
 * needs belongs in its synonyms.txt. A short abbreviation that another
 * field reads otherwise stays here when PyTorch talks use it that way
 * (an archive turns it off with a "-member" line). */
static const char builtin[] =
    "# PyTorch and its compiler stack\n"
    "pytorch, py torch\n"
    "pt2, pytorch 2, pytorch 2.0\n"
    "torch.compile, torch compile\n"
    "torch.export, torch export\n"
    "torch.fx, torch fx\n"
    "dynamo, torchdynamo, torch dynamo\n"
    "inductor, torchinductor, torch inductor\n"
    "aoti, aotinductor, aot inductor, ahead of time inductor, ahead-of-time inductor\n"
    "aot, ahead of time, ahead-of-time\n"
    "jit, just in time, just-in-time\n"
    "torchscript, torch script\n"
    "cuda graphs, cudagraphs, cuda graph, cudagraph\n"
    "torchao, torch ao\n"
    "executorch, executor torch\n"
    "onnx, open neural network exchange\n"
    "abi, application binary interface\n"
    "api, application programming interface\n"
    "apis, application programming interfaces\n"
    "gil, global interpreter lock\n"
    "dsl, domain specific language, domain-specific language\n"
    "gemm, general matrix multiply, general matrix multiplication\n"
    "\n"
    "# Distributed training\n"
    "fsdp, fully sharded data parallel\n"
    "hsdp, hybrid sharded data parallel, hybrid sharding data parallel\n"
    "ddp, distributed data parallel\n"
    "dp, data parallel, data parallelism\n"
    "tp, tensor parallel, tensor parallelism\n"
    "pp, pipeline parallel, pipeline parallelism\n"
    "cp, context parallel, context parallelism\n"
    "ep, expert parallel, expert parallelism\n"
    "sp, sequence parallel, sequence parallelism\n"
    "spmd, single program multiple data\n"
    "dtensor, distributed tensor\n"
    "dcp, distributed checkpoint, distributed checkpointing\n"
    "nccl, nickel, nvidia collective communications library\n"
    "rdma, remote direct memory access\n"
    "symm_mem, symmetric memory\n"
    "\n"
    "# Numerics and precision\n"
    "amp, automatic mixed precision\n"
    "bf16, bfloat16, brain float 16\n"
    "fp16, float16, half precision\n"
    "fp32, float32, single precision\n"
    "fp64, float64, double precision\n"
    "tf32, tensorfloat32, tensorfloat 32, tensorfloat-32\n"
    "fp8, float8\n"
    "fp4, float4\n"
    "qat, quantization aware training, quantization-aware training\n"
    "ptq, post training quantization, post-training quantization\n"
    "\n"
    "# Memory and failures\n"
    "oom, ooms, out of memory, out-of-memory\n"
    "\n"
    "# Attention and models\n"
    "sdpa, scaled dot product attention, scaled_dot_product_attention\n"
    "flexattention, flex attention\n"
    "flashattention, flash attention\n"
    "gqa, grouped query attention, grouped-query attention\n"
    "mqa, multi query attention, multi-query attention\n"
    "mha, multi head attention, multi-head attention\n"
    "mla, multi head latent attention, multi-head latent attention\n"
    "kv cache, key value cache, kv-cache, key-value cache\n"
    "moe, mixture of experts, mixture-of-experts\n"
    "llm, large language model\n"
    "llms, large language models\n"
    "vlm, vision language model\n"
    "lora, low rank adaptation, low-rank adaptation\n"
    "rlhf, reinforcement learning from human feedback\n"
    "cnn, convolutional neural network\n"
    "rnn, recurrent neural network\n"
    "gnn, graph neural network\n"
    "lstm, long short term memory, long short-term memory\n"
    "\n"
    "# Hardware and backends\n"
    "gpu, graphics processing unit\n"
    "gpus, graphics processing units\n"
    "cpu, central processing unit\n"
    "tpu, tensor processing unit\n"
    "npu, neural processing unit\n"
    "mps, metal performance shaders\n"
    "xpu, intel gpu, arc gpu, intel arc\n"
    "xpus, intel gpus, arc gpus\n"
    "rocm, radeon open compute\n"
    "hpc, high performance computing, high-performance computing\n"
    "tma, tensor memory accelerator\n"
    "amx, advanced matrix extensions\n"
    "hbm, high bandwidth memory\n"
    "ck, composable kernel, composable kernels\n"
    "sve, scalable vector extension\n"
    "avx, advanced vector extensions\n"
    "\n"
    "# NVIDIA GPU generations by the series people say they own (CUDA builds\n"
    "# drop and add architectures by generation). Model numbers (rtx 5090,\n"
    "# h100) are not here: they are exact names, in error messages too\n"
    "maxwell, 900 series, gtx 900 series\n"
    "pascal, 10 series, gtx 10 series\n"
    "turing, 20 series, rtx 20 series\n"
    "ampere, 30 series, rtx 30 series\n"
    "ada lovelace, 40 series, rtx 40 series\n"
    "blackwell, 50 series, rtx 50 series\n"
    "\n"
    "# Project and process\n"
    "tac, technical advisory council\n"
    "rc, release candidate\n"
    "rcs, release candidates\n"
    "ci, continuous integration\n"
    "rfc, request for comments\n"
    "pr, pull request\n"
    "prs, pull requests\n"
    "oss, open source software\n"
    "hf, hugging face, huggingface\n"
    "pyg, pytorch geometric\n"
    "q&a, q and a\n"
    "wg, working group\n"
    "faq, frequently asked questions\n"
    "cve, common vulnerabilities and exposures\n"
    "ml, machine learning\n"
    "ai, artificial intelligence\n";

const char *vocabulary_builtin_text(void)
{
	return builtin;
}

synonyms_status vocabulary_load(const char *archive_text, size_t len, synonyms **out,
                                size_t *error_line, char *err, size_t errlen)
{
	synonyms *base = NULL, *over = NULL;
	*out = NULL;
	if (error_line)
		*error_line = 0;
	if (err && errlen > 0)
		err[0] = '\0';
	if (archive_text && len > 0) {
		synonyms_status st =
		    synonyms_parse(archive_text, len, &over, error_line, err, errlen);
		if (st != SYNONYMS_OK)
			return st;
	}
	size_t line = 0;
	char why[200];
	synonyms_status st =
	    synonyms_parse(builtin, sizeof builtin - 1, &base, &line, why, sizeof why);
	if (st == SYNONYMS_INVALID) {
		/* A broken built-in list is our bug (test_synonyms parses it);
		 * say so rather than blame the archive's file. */
		if (err && errlen > 0)
			snprintf(err, errlen, "built-in vocabulary: %s", why);
	}
	if (st == SYNONYMS_OK)
		st = synonyms_merge(base, over, out);
	synonyms_free(base);
	synonyms_free(over);
	return st;
}
