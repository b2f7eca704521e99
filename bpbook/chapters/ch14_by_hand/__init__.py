"""Chapter 14, a whole network by hand: the digits network written as explicit torch expressions,
its backward pass written out step by step and fused (`net`), the comparison with torch
(`net.cmp`), the checks by central differences and SymPy (`checks`), the picture with its text
description (`plots`), the explorer (`explore`) and the exercise checks (`exercises`)."""
