using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LocalDapr.Subscriptions;

/// <summary>
/// The subset of CEL that route rules use in practice: <c>event.&lt;path&gt;</c> compared with string, number, bool or
/// null literals (<c>== != &lt; &lt;= &gt; &gt;=</c>), combined with <c>&amp;&amp;</c>, <c>||</c>, <c>!</c> and parentheses.
/// Anything else is rejected when the subscription is loaded, so a rule never silently fails to match.
/// Unlike CEL, a missing field evaluates to null instead of raising an error (the rule then does not match).
/// </summary>
public sealed class MatchExpression
{
    private readonly Func<JsonObject, object?> _evaluate;

    private MatchExpression(string text, Func<JsonObject, object?> evaluate)
    {
        Text = text;
        _evaluate = evaluate;
    }

    public string Text { get; }

    public static MatchExpression Parse(string text)
    {
        try
        {
            var parser = new Parser(Tokenize(text));
            var root = parser.ParseOr();
            parser.ExpectEnd();
            return new MatchExpression(text, root);
        }
        catch (FormatException ex)
        {
            throw new SubscriptionException($"unsupported match expression '{text}': {ex.Message} (supported: event.<field> with == != < <= > >=, string/number/bool/null literals, &&, ||, !, parentheses)");
        }
    }

    public bool Evaluate(JsonObject cloudEvent) => _evaluate(cloudEvent) is true;

    public override string ToString() => Text;

    private enum Kind { Identifier, String, Number, Operator, End }

    private readonly record struct Token(Kind Kind, string Text, int Position);

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new Token(Kind.Identifier, text[start..i], start));
            }
            else if (char.IsDigit(c) || (c == '-' && i + 1 < text.Length && char.IsDigit(text[i + 1])))
            {
                var start = i++;
                while (i < text.Length && (char.IsDigit(text[i]) || text[i] == '.' || text[i] == 'e' || text[i] == 'E'))
                {
                    i++;
                }

                tokens.Add(new Token(Kind.Number, text[start..i], start));
            }
            else if (c is '"' or '\'')
            {
                tokens.Add(new Token(Kind.String, ReadString(text, ref i), i));
            }
            else
            {
                var two = i + 1 < text.Length ? text.Substring(i, 2) : string.Empty;
                if (two is "==" or "!=" or "&&" or "||" or "<=" or ">=")
                {
                    tokens.Add(new Token(Kind.Operator, two, i));
                    i += 2;
                }
                else if (c is '(' or ')' or '.' or '!' or '<' or '>' or '[' or ']')
                {
                    tokens.Add(new Token(Kind.Operator, c.ToString(), i));
                    i++;
                }
                else
                {
                    throw new FormatException($"unexpected character '{c}' at position {i}");
                }
            }
        }

        tokens.Add(new Token(Kind.End, string.Empty, text.Length));
        return tokens;
    }

    private static string ReadString(string text, ref int i)
    {
        var quote = text[i++];
        var sb = new StringBuilder();
        while (i < text.Length && text[i] != quote)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                i++;
                sb.Append(text[i] switch { 'n' => '\n', 't' => '\t', 'r' => '\r', var other => other });
            }
            else
            {
                sb.Append(text[i]);
            }

            i++;
        }

        if (i >= text.Length)
        {
            throw new FormatException("unterminated string literal");
        }

        i++;
        return sb.ToString();
    }

    private sealed class Parser(List<Token> tokens)
    {
        private int _pos;

        private Token Current => tokens[_pos];

        public void ExpectEnd()
        {
            if (Current.Kind != Kind.End)
            {
                throw new FormatException($"unexpected '{Current.Text}' at position {Current.Position}");
            }
        }

        public Func<JsonObject, object?> ParseOr()
        {
            var left = ParseAnd();
            while (Accept("||"))
            {
                var l = left;
                var r = ParseAnd();
                left = e => l(e) is true || r(e) is true;
            }

            return left;
        }

        private Func<JsonObject, object?> ParseAnd()
        {
            var left = ParseUnary();
            while (Accept("&&"))
            {
                var l = left;
                var r = ParseUnary();
                left = e => l(e) is true && r(e) is true;
            }

            return left;
        }

        private Func<JsonObject, object?> ParseUnary()
        {
            if (Accept("!"))
            {
                var inner = ParseUnary();
                return e => inner(e) is not true;
            }

            return ParseComparison();
        }

        private Func<JsonObject, object?> ParseComparison()
        {
            var left = ParseOperand();
            if (Current.Kind == Kind.Operator && Current.Text is "==" or "!=" or "<" or "<=" or ">" or ">=")
            {
                var op = Current.Text;
                _pos++;
                var right = ParseOperand();
                return e => Compare(op, left(e), right(e));
            }

            return left;
        }

        private Func<JsonObject, object?> ParseOperand()
        {
            var token = Current;
            switch (token.Kind)
            {
                case Kind.Operator when token.Text == "(":
                    _pos++;
                    var inner = ParseOr();
                    Expect(")");
                    return inner;
                case Kind.String:
                    _pos++;
                    return _ => token.Text;
                case Kind.Number:
                    _pos++;
                    if (!double.TryParse(token.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                    {
                        throw new FormatException($"invalid number '{token.Text}'");
                    }

                    return _ => number;
                case Kind.Identifier when token.Text is "true" or "false":
                    _pos++;
                    var flag = token.Text == "true";
                    return _ => flag;
                case Kind.Identifier when token.Text == "null":
                    _pos++;
                    return _ => null;
                case Kind.Identifier when token.Text == "event":
                    _pos++;
                    return ParsePath();
                default:
                    throw new FormatException($"unexpected '{token.Text}' at position {token.Position} (only 'event.<field>' can be referenced)");
            }
        }

        private Func<JsonObject, object?> ParsePath()
        {
            var segments = new List<string>();
            while (true)
            {
                if (Accept("."))
                {
                    if (Current.Kind != Kind.Identifier)
                    {
                        throw new FormatException($"expected a field name at position {Current.Position}");
                    }

                    segments.Add(Current.Text);
                    _pos++;
                }
                else if (Accept("["))
                {
                    if (Current.Kind != Kind.String)
                    {
                        throw new FormatException($"expected a quoted key at position {Current.Position}");
                    }

                    segments.Add(Current.Text);
                    _pos++;
                    Expect("]");
                }
                else
                {
                    break;
                }
            }

            if (Current.Kind == Kind.Operator && Current.Text == "(")
            {
                throw new FormatException($"function calls are not supported (position {Current.Position})");
            }

            var path = segments.ToArray();
            return e => Resolve(e, path);
        }

        private bool Accept(string op)
        {
            if (Current.Kind == Kind.Operator && Current.Text == op)
            {
                _pos++;
                return true;
            }

            return false;
        }

        private void Expect(string op)
        {
            if (!Accept(op))
            {
                throw new FormatException($"expected '{op}' at position {Current.Position}");
            }
        }
    }

    private static object? Resolve(JsonObject root, string[] path)
    {
        JsonNode? node = root;
        foreach (var segment in path)
        {
            node = node is JsonObject obj && obj.TryGetPropertyValue(segment, out var child) ? child : null;
            if (node is null)
            {
                return null;
            }
        }

        // Arms are typed object explicitly: otherwise C# picks JsonNode and converts the values straight back.
        return node switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.String => (object)v.GetValue<string>(),
            JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<double>(),
            JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
            _ => node,
        };
    }

    private static bool Compare(string op, object? left, object? right)
    {
        if (op is "==" or "!=")
        {
            var equal = left switch
            {
                null => right is null,
                double l when right is double r => l.Equals(r),
                _ => left.Equals(right),
            };
            return op == "==" ? equal : !equal;
        }

        int? order = (left, right) switch
        {
            (double l, double r) => l.CompareTo(r),
            (string l, string r) => string.CompareOrdinal(l, r),
            _ => null,
        };
        return order switch
        {
            null => false,
            var o => op switch { "<" => o < 0, "<=" => o <= 0, ">" => o > 0, _ => o >= 0 },
        };
    }
}
