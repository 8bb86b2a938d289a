using System.Text.Json.Nodes;
using LocalDapr.Subscriptions;

namespace LocalDapr.Tests.PubSub;

public sealed class MatchExpressionTests
{
    private static readonly JsonObject Event = JsonNode.Parse("""
        {"type":"order.created","source":"shop","data":{"kind":"widget","count":3,"urgent":true,"customer":{"tier":"gold"}}}
        """)!.AsObject();

    [Theory]
    [InlineData("event.type == \"order.created\"", true)]
    [InlineData("event.type == 'order.created'", true)]
    [InlineData("event.type != \"order.created\"", false)]
    [InlineData("event.data.kind == \"widget\"", true)]
    [InlineData("event.data.customer.tier == \"gold\"", true)]
    [InlineData("event.data['kind'] == \"widget\"", true)]
    [InlineData("event.data.count == 3", true)]
    [InlineData("event.data.count > 2 && event.data.count <= 3", true)]
    [InlineData("event.data.count < 3", false)]
    [InlineData("event.data.urgent == true", true)]
    [InlineData("event.data.urgent", true)]
    [InlineData("!event.data.urgent", false)]
    [InlineData("event.type == \"x\" || event.data.kind == \"widget\"", true)]
    [InlineData("event.type == \"x\" || (event.data.kind == \"widget\" && event.source == \"other\")", false)]
    [InlineData("event.data.missing == \"y\"", false)]
    [InlineData("event.data.missing == null", true)]
    [InlineData("event.data.count == \"3\"", false)]
    public void Evaluates_the_supported_subset(string expression, bool expected)
    {
        MatchExpression.Parse(expression).Evaluate(Event).Should().Be(expected);
    }

    [Theory]
    [InlineData("event.type.startsWith(\"order\")", "function calls")]
    [InlineData("size(event.data) > 1", "unexpected 'size'")]
    [InlineData("event.type == \"x", "unterminated")]
    [InlineData("event.type in [\"a\"]", "unexpected 'in'")]
    [InlineData("event.type == \"a\" + \"b\"", "unexpected character '+'")]
    public void Rejects_unsupported_expressions_with_a_clear_message(string expression, string reason)
    {
        var act = () => MatchExpression.Parse(expression);
        act.Should().Throw<SubscriptionException>()
            .Which.Message.Should().Contain(expression).And.Contain(reason);
    }
}
