namespace RxFactorio.Cli.Settings;

/// <summary>A setting with a bad value: names the setting, where it came from, and what is wrong.</summary>
internal sealed class SettingsError(string message) : Exception(message);
