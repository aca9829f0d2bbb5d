"""What the tests share: clients, steps and helpers (no tests here; test modules never import each other)."""
