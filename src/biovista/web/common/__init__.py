"""What the three Dash apps share: the shell, components, figures, cookie auth, the callback
guard and grids.
"""
