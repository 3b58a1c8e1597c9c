System.Console.WriteLine("Quickstart: to be written");
