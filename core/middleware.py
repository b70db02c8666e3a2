"""The portal speaks Chinese unless the user chose English in the top bar."""


class ChineseUnlessChosenMiddleware:
    """Drop the browser's Accept-Language before LocaleMiddleware reads it.

    Many of the street's computers and phones run an English-language browser; the portal's
    language is Chinese for everyone by default, and English only for a user who picked it (the
    language cookie set by the switcher in the top bar)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
