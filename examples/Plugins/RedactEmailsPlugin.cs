using Sdk.Plugins;

namespace PluginsExample;

/// <summary>
/// Replaces the e-mail address in every <see cref="CustomerEvent"/> of a stream before the application sees it, so that
/// no code downstream (logs, caches, UI) ever holds it. Required: if it fails, the stream fails with a
/// <see cref="Sdk.PluginException"/> rather than letting an address through.
/// </summary>
public sealed class RedactEmailsPlugin : ISdkPlugin
{
    public PluginManifest Manifest { get; } = new("example.redact-emails", new SemanticVersion(1, 0, 0))
    {
        Criticality = PluginCriticality.Required,
    };

    public void Register(PluginHooks hooks) => hooks.OnStreamEvent(static (context, _) =>
    {
        if (context.Item is CustomerEvent { Email.Length: > 0 } customer)
        {
            int at = customer.Email.IndexOf('@', StringComparison.Ordinal);
            string masked = at > 0 ? customer.Email[0] + "***" + customer.Email[at..] : "***";
            context.ReplaceItem(customer with { Email = masked });
        }

        return ValueTask.CompletedTask;
    });
}
