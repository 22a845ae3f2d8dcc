System.Console.WriteLine("embedding sample");
