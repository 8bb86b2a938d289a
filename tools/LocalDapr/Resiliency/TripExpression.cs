namespace LocalDapr.Resiliency;

/// <summary>
/// The subset of CEL daprd trip expressions use: the counter names, integer literals, <c>true</c>/<c>false</c>,
/// comparisons (&gt; &gt;= &lt; &lt;= == !=), <c>!</c>, <c>&amp;&amp;</c>, <c>||</c> and parentheses. Compiled once into a
/// delegate; a syntax error is reported at load time with its position.
/// </summary>
public static class TripExpression
{
    public static Func<BreakerCounts, bool> Compile(string expression)
    {
        var parser = new Parser(expression);
        var result = parser.ParseOr();
        parser.ExpectEnd();
        return result is BoolNode b ? b.Eval : throw new FormatException($"'{expression}' is not a boolean expression");
    }

    private abstract record Node;

    private sealed record BoolNode(Func<BreakerCounts, bool> Eval) : Node;

    private sealed record NumberNode(Func<BreakerCounts, long> Eval) : Node;

    private sealed class Parser(string text)
    {
        private int _pos;

        public Node ParseOr()
        {
            var left = ParseAnd();
            while (TryConsume("||"))
            {
                var (l, r) = (AsBool(left), AsBool(ParseAnd()));
                left = new BoolNode(c => l(c) || r(c));
            }

            return left;
        }

        public void ExpectEnd()
        {
            SkipSpace();
            if (_pos < text.Length)
            {
                throw Error($"unexpected '{text[_pos..]}'");
            }
        }

        private Node ParseAnd()
        {
            var left = ParseComparison();
            while (TryConsume("&&"))
            {
                var (l, r) = (AsBool(left), AsBool(ParseComparison()));
                left = new BoolNode(c => l(c) && r(c));
            }

            return left;
        }

        private Node ParseComparison()
        {
            var left = ParseUnary();
            foreach (var op in (string[])[">=", "<=", "==", "!=", ">", "<"])
            {
                if (!TryConsume(op))
                {
                    continue;
                }

                var (l, r) = (AsNumber(left), AsNumber(ParseUnary()));
                return new BoolNode(op switch
                {
                    ">=" => c => l(c) >= r(c),
                    "<=" => c => l(c) <= r(c),
                    "==" => c => l(c) == r(c),
                    "!=" => c => l(c) != r(c),
                    ">" => c => l(c) > r(c),
                    _ => c => l(c) < r(c),
                });
            }

            return left;
        }

        private Node ParseUnary()
        {
            if (TryConsume("!"))
            {
                var inner = AsBool(ParseUnary());
                return new BoolNode(c => !inner(c));
            }

            if (TryConsume("("))
            {
                var inner = ParseOr();
                if (!TryConsume(")"))
                {
                    throw Error("missing ')'");
                }

                return inner;
            }

            SkipSpace();
            var start = _pos;
            while (_pos < text.Length && (char.IsAsciiLetterOrDigit(text[_pos]) || text[_pos] == '_'))
            {
                _pos++;
            }

            var token = text[start.._pos];
            if (token.Length == 0)
            {
                throw Error(_pos < text.Length ? $"unexpected '{text[_pos]}'" : "unexpected end");
            }

            if (long.TryParse(token, out var number))
            {
                return new NumberNode(_ => number);
            }

            return token switch
            {
                "true" => new BoolNode(_ => true),
                "false" => new BoolNode(_ => false),
                "requests" => new NumberNode(c => c.Requests),
                "totalSuccesses" => new NumberNode(c => c.TotalSuccesses),
                "totalFailures" => new NumberNode(c => c.TotalFailures),
                "consecutiveSuccesses" => new NumberNode(c => c.ConsecutiveSuccesses),
                "consecutiveFailures" => new NumberNode(c => c.ConsecutiveFailures),
                _ => throw Error($"unknown name '{token}' (use requests, totalSuccesses, totalFailures, consecutiveSuccesses, consecutiveFailures)"),
            };
        }

        private Func<BreakerCounts, bool> AsBool(Node node) =>
            node is BoolNode b ? b.Eval : throw Error("expected a comparison, found a number");

        private Func<BreakerCounts, long> AsNumber(Node node) =>
            node is NumberNode n ? n.Eval : throw Error("expected a number, found a boolean");

        private bool TryConsume(string token)
        {
            SkipSpace();
            if (string.CompareOrdinal(text, _pos, token, 0, token.Length) != 0)
            {
                return false;
            }

            // '!' must not swallow the start of '!=' and '>'/'<' must not split '>='/'<='.
            if (token is "!" or ">" or "<" && _pos + 1 < text.Length && text[_pos + 1] == '=')
            {
                return false;
            }

            _pos += token.Length;
            return true;
        }

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos]))
            {
                _pos++;
            }
        }

        private FormatException Error(string message) => new($"trip expression '{text}' at position {_pos}: {message}");
    }
}
