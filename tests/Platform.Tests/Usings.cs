namespace Platform.Tests;
