"""The `kraeftgraf` command: one module per group of subcommands, on top of every other layer.

May import anything in the package; nothing imports it but `__main__`.
"""
