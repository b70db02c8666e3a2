from django.urls import path

from home import views

app_name = "home"

urlpatterns = [
    path("", views.home, name="home"),
    path("calendar/", views.calendar_subscription, name="calendar"),
    path("calendar/<slug:token>.ics", views.calendar_feed, name="calendar_feed"),
]
