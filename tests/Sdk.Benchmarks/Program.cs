System.Console.WriteLine("usage: dotnet run -c Release --project tests/Sdk.Benchmarks -- [compare|micro]");
