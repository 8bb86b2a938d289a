namespace LocalDapr.Tests;
