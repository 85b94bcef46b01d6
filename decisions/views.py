from django.http import HttpResponse


def decision_list(request):
    return HttpResponse("")
