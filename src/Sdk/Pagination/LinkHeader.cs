namespace Sdk;

/// <summary>Reads the target of a relation from RFC 8288 <c>Link</c> headers (<c>&lt;url&gt;; rel="next", …</c>).</summary>
internal static class LinkHeader
{
    public static string? FindTarget(IEnumerable<string> values, string relation)
    {
        foreach (string value in values)
        {
            ReadOnlySpan<char> rest = value;
            while (true)
            {
                int open = rest.IndexOf('<');
                if (open < 0)
                {
                    break;
                }

                int close = rest[(open + 1)..].IndexOf('>');
                if (close < 0)
                {
                    break;
                }

                ReadOnlySpan<char> target = rest.Slice(open + 1, close);
                rest = rest[(open + close + 2)..];
                int next = rest.IndexOf('<');
                ReadOnlySpan<char> parameters = (next < 0 ? rest : rest[..next]).TrimEnd().TrimEnd(',');
                if (HasRelation(parameters, relation))
                {
                    return target.Trim().ToString();
                }
            }
        }

        return null;
    }

    private static bool HasRelation(ReadOnlySpan<char> parameters, string relation)
    {
        foreach (Range part in parameters.Split(';'))
        {
            ReadOnlySpan<char> parameter = parameters[part].Trim();
            if (!parameter.StartsWith("rel", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            int equals = parameter.IndexOf('=');
            if (equals < 0 || !parameter[..equals].Trim().Equals("rel", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            ReadOnlySpan<char> values = parameter[(equals + 1)..].Trim().Trim('"');
            foreach (Range token in values.Split(' '))
            {
                if (values[token].Trim().Equals(relation, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
