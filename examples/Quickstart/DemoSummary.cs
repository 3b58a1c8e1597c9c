namespace Quickstart;

/// <summary>Collects what each step of the demo did and prints it at the end.</summary>
internal sealed class DemoSummary
{
    private readonly List<(string Step, string Result, string RequestIds)> _rows = [];

    public void Add(string step, string result, params string?[] requestIds) =>
        _rows.Add((step, result, string.Join(", ", requestIds.Select(id => id ?? "(none)"))));

    public void Print(TimeSpan elapsed)
    {
        Console.WriteLine();
        Console.WriteLine("Summary");
        foreach ((string step, string result, string requestIds) in _rows)
        {
            Console.WriteLine($"   {step,-20} {result,-32} {requestIds}");
        }

        Console.WriteLine($"   {_rows.Count} steps in {elapsed.TotalSeconds:0.00} s");
    }
}
