global using BenchCommon;
