"""sources.feeds"""
