/* KaTeX over quire's math: each <span class="math inline">\(...\)</span> and
 * <span class="math display">\[...\]</span>, nothing else of the page. Loaded with
 * defer after katex.min.js and contrib/auto-render.js, on pages with math only. */
document.querySelectorAll("span.math").forEach(function (e) {
	renderMathInElement(e, {
		delimiters: [
			{left: "\\(", right: "\\)", display: false},
			{left: "\\[", right: "\\]", display: true}
		],
		throwOnError: false
	});
});
