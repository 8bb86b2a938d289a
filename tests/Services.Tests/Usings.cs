namespace Services.Tests;
