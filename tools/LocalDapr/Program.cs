Console.WriteLine("local-dapr: not built yet");
